-- Process manager instances of a service: one row per (process type, correlation id), kept in step with the
-- process's own event stream in public_messages (aggregate type = process type, aggregate id = correlation id).
CREATE TABLE process_instances (
    service VARCHAR(48) NOT NULL,
    process_type VARCHAR(64) NOT NULL,
    process_id VARCHAR(128) NOT NULL,
    version INT NOT NULL,
    status VARCHAR(16) NOT NULL,
    state TEXT,
    started_at TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (service, process_type, process_id)
);
CREATE INDEX process_instances_status_ix ON process_instances (service, process_type, status, started_at);

-- Deadlines a process asked for: fired once each, by whichever instance of the service takes the row.
CREATE TABLE process_timeouts (
    service VARCHAR(48) NOT NULL,
    process_type VARCHAR(64) NOT NULL,
    process_id VARCHAR(128) NOT NULL,
    name VARCHAR(128) NOT NULL,
    due_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (service, process_type, process_id, name)
);
CREATE INDEX process_timeouts_due_ix ON process_timeouts (service, due_at);
