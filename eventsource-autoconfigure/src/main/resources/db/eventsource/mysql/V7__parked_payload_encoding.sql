-- A parked message keeps whatever bytes it carried: as text when they are valid UTF-8 without a
-- NUL character, otherwise as their base64 ('base64'); with the content type it declared, and
-- whether its body was cut (a message that is not an event is kept up to 1 MiB). Rows written
-- before are text, not cut. The headers of a message from the wire may pass the 64 KB of TEXT.
ALTER TABLE parked_events
    ADD COLUMN payload_encoding VARCHAR(16) NOT NULL DEFAULT 'text',
    ADD COLUMN payload_content_type VARCHAR(255) NULL,
    ADD COLUMN payload_truncated BOOLEAN NOT NULL DEFAULT FALSE,
    MODIFY headers MEDIUMTEXT NOT NULL;
