-- Events a (service, projection) set aside after their last attempt, or because an earlier event
-- of their aggregate is parked, with what it takes to apply them again (retry) in sequence order.
CREATE TABLE parked_events (
    message_id VARCHAR(36) NOT NULL,
    service VARCHAR(48) NOT NULL,
    projection VARCHAR(128) NOT NULL,
    aggregate_type VARCHAR(64) NOT NULL,
    aggregate_id VARCHAR(128) NOT NULL,
    sequence BIGINT NOT NULL,
    message_type VARCHAR(255) NOT NULL,
    payload TEXT NOT NULL,
    headers TEXT NOT NULL,
    published_at TIMESTAMP WITH TIME ZONE NOT NULL,
    reason TEXT NOT NULL,
    parked_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (message_id, service, projection)
);
CREATE INDEX parked_events_aggregate_ix ON parked_events (service, projection, aggregate_type, aggregate_id, sequence);

-- Whether a projection's events of an aggregate are parked: later ones are parked behind them.
ALTER TABLE projection_positions ADD COLUMN parked BOOLEAN NOT NULL DEFAULT FALSE;
