-- Indexes that no query reads cost an entry on every write. Nothing reads public_messages by
-- (topic, id) since catch-up pages by (topic, relayed_at, id), whose leading column serves any
-- lookup by topic, and nothing reads message_acks by aggregate; the list of failing events
-- (actuator endpoint) read the whole of message_acks.
DROP INDEX public_messages_topic_ix ON public_messages;
DROP INDEX message_acks_aggregate_ix ON message_acks;
CREATE INDEX message_acks_failing_ix ON message_acks (service, status, acked_at);
