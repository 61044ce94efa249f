-- Indexes that no query reads cost an entry on every write. Nothing reads public_messages by
-- (topic, id) since catch-up pages by (topic, relayed_at, id), and nothing reads message_acks by
-- aggregate; the list of failing events (actuator endpoint) read the whole of message_acks.
DROP INDEX IF EXISTS public_messages_topic_ix;
DROP INDEX IF EXISTS message_acks_aggregate_ix;
CREATE INDEX message_acks_failing_ix ON message_acks (service, acked_at) WHERE status = 'fail';
