-- Catch-up reads one aggregate type's relayed events in (relayed_at, id) order after a cursor.
CREATE INDEX public_messages_catch_up_ix ON public_messages (topic, relayed_at, id);
