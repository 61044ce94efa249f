-- The last sequence each (service, projection) applied per aggregate: the inbox's order check, and
-- the row lock that makes competing consumers of one aggregate take turns.
CREATE TABLE projection_positions (
    service VARCHAR(48) NOT NULL,
    projection VARCHAR(128) NOT NULL,
    aggregate_type VARCHAR(64) NOT NULL,
    aggregate_id VARCHAR(128) NOT NULL,
    last_sequence BIGINT NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    PRIMARY KEY (service, projection, aggregate_type, aggregate_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
