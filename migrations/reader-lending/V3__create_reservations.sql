-- A reader's hold on a title (book_id is the catalog service's books.id), served first come, first served.
CREATE TABLE reservations (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reader_id   bigint      NOT NULL REFERENCES readers (id) ON DELETE CASCADE,
    book_id     bigint      NOT NULL,
    status      text        NOT NULL DEFAULT 'waiting',
    reserved_at timestamptz NOT NULL DEFAULT now(),
    ready_until timestamptz,
    CONSTRAINT reservations_status_known CHECK (status IN ('waiting', 'ready', 'fulfilled', 'cancelled', 'expired')),
    -- A reservation that is ready for pickup says until when.
    CONSTRAINT reservations_ready_has_deadline CHECK (status <> 'ready' OR ready_until IS NOT NULL),
    CONSTRAINT reservations_deadline_after_reserved CHECK (ready_until IS NULL OR ready_until > reserved_at)
);

-- One live reservation per reader and title.
CREATE UNIQUE INDEX reservations_one_live_per_reader_and_book ON reservations (reader_id, book_id)
    WHERE status IN ('waiting', 'ready');
-- The queue for a title, oldest first.
CREATE INDEX reservations_queue ON reservations (book_id, reserved_at) WHERE status IN ('waiting', 'ready');
