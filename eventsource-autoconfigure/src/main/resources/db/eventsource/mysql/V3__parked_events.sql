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
    payload LONGTEXT NOT NULL,
    headers TEXT NOT NULL,
    published_at DATETIME(6) NOT NULL,
    reason TEXT NOT NULL,
    parked_at DATETIME(6) NOT NULL,
    PRIMARY KEY (message_id, service, projection),
    INDEX parked_events_aggregate_ix (service, projection, aggregate_type, aggregate_id, sequence)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Whether a projection's events of an aggregate are parked: later ones are parked behind them.
ALTER TABLE projection_positions ADD COLUMN parked BOOLEAN NOT NULL DEFAULT FALSE;
