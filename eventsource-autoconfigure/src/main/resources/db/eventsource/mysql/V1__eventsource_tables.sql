-- eventsource tables for MySQL and MariaDB, run by the library's own Flyway (history table eventsource_schema_history).
-- Binary collation: aggregate ids 'a' and 'A' are two aggregates.

-- The outbox and the durable log at once: one row per published event.
CREATE TABLE public_messages (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    message_id VARCHAR(36) NOT NULL,
    topic VARCHAR(64) NOT NULL,
    aggregate_id VARCHAR(128) NOT NULL,
    sequence BIGINT NOT NULL,
    message_type VARCHAR(255) NOT NULL,
    payload LONGTEXT NOT NULL,
    headers LONGTEXT NOT NULL,
    published_at DATETIME(6) NOT NULL,
    relayed_at DATETIME(6) NULL,
    CONSTRAINT public_messages_message_id_uk UNIQUE (message_id),
    CONSTRAINT public_messages_aggregate_sequence_uk UNIQUE (topic, aggregate_id, sequence),
    INDEX public_messages_unrelayed_ix (relayed_at, id),
    INDEX public_messages_topic_ix (topic, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The last sequence given out per aggregate; its row lock serializes publishers of one aggregate.
CREATE TABLE aggregate_sequences (
    aggregate_type VARCHAR(64) NOT NULL,
    aggregate_id VARCHAR(128) NOT NULL,
    last_sequence BIGINT NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- One row that relays of all instances lock while they send, so that per aggregate the wire order is the sequence order.
CREATE TABLE outbox_relay_lock (
    name VARCHAR(64) NOT NULL PRIMARY KEY
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
INSERT INTO outbox_relay_lock (name) VALUES ('relay');

-- The inbox: what each (service, projection) did with each event.
CREATE TABLE message_acks (
    message_id VARCHAR(36) NOT NULL,
    service VARCHAR(48) NOT NULL,
    projection VARCHAR(128) NOT NULL,
    status VARCHAR(16) NOT NULL,
    attempts INT NOT NULL DEFAULT 0,
    last_error LONGTEXT NULL,
    aggregate_type VARCHAR(64) NOT NULL,
    aggregate_id VARCHAR(128) NOT NULL,
    sequence BIGINT NOT NULL,
    acked_at DATETIME(6) NOT NULL,
    PRIMARY KEY (message_id, service, projection),
    INDEX message_acks_aggregate_ix (service, projection, aggregate_type, aggregate_id, sequence)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Cursors of catch-up consumers.
CREATE TABLE message_consumer_state (
    consumer_name VARCHAR(255) NOT NULL PRIMARY KEY,
    `cursor` VARCHAR(1200) NOT NULL,
    last_updated_at DATETIME(6) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
