-- Process manager instances of a service: one row per (process type, correlation id), kept in step with the
-- process's own event stream in public_messages (aggregate type = process type, aggregate id = correlation id).
CREATE TABLE process_instances (
    service VARCHAR(48) NOT NULL,
    process_type VARCHAR(64) NOT NULL,
    process_id VARCHAR(128) NOT NULL,
    version INT NOT NULL,
    status VARCHAR(16) NOT NULL,
    state LONGTEXT NULL,
    started_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    PRIMARY KEY (service, process_type, process_id),
    INDEX process_instances_status_ix (service, process_type, status, started_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Deadlines a process asked for: fired once each, by whichever instance of the service takes the row.
CREATE TABLE process_timeouts (
    service VARCHAR(48) NOT NULL,
    process_type VARCHAR(64) NOT NULL,
    process_id VARCHAR(128) NOT NULL,
    name VARCHAR(128) NOT NULL,
    due_at DATETIME(6) NOT NULL,
    PRIMARY KEY (service, process_type, process_id, name),
    INDEX process_timeouts_due_ix (service, due_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
