/// The ordered schema history. Append only: a released migration is never edited, a change is a new step.
///
/// Times are epoch milliseconds (BIGINT), sizes BIGINT, CRC-64 values decimal TEXT (they do not fit a signed
/// 64-bit column), JSON documents TEXT. The data model is described in docs/ARCHITECTURE.md.
enum Migrations {
    static let all: [Migration] = [
        Migration(id: 1, name: "initial data model") { s in
            [
                """
                CREATE TABLE libraries (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    multi_space BOOLEAN NOT NULL,
                    library_type TEXT NOT NULL,
                    settings TEXT NOT NULL,
                    secret_hash TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE spaces (
                    library_id TEXT NOT NULL REFERENCES libraries(id) ON DELETE CASCADE,
                    id \(s.byteOrderedText) NOT NULL,
                    root_inode BIGINT,
                    owner_user_id TEXT NOT NULL DEFAULT '',
                    extension TEXT NOT NULL DEFAULT '{}',
                    used_bytes BIGINT NOT NULL DEFAULT 0,
                    file_count BIGINT NOT NULL DEFAULT 0,
                    dir_count BIGINT NOT NULL DEFAULT 0,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL,
                    PRIMARY KEY (library_id, id)
                )
                """,
                """
                CREATE TABLE tokens (
                    token_hash TEXT PRIMARY KEY,
                    library_id TEXT NOT NULL REFERENCES libraries(id) ON DELETE CASCADE,
                    space_ids TEXT NOT NULL DEFAULT '',
                    user_id TEXT NOT NULL DEFAULT '',
                    client_id TEXT NOT NULL DEFAULT '',
                    session_id TEXT NOT NULL DEFAULT '',
                    grants TEXT NOT NULL DEFAULT '',
                    period_seconds BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX tokens_by_user ON tokens (library_id, user_id)",
                """
                CREATE TABLE blobs (
                    sha256 TEXT PRIMARY KEY,
                    size BIGINT NOT NULL,
                    md5 TEXT NOT NULL,
                    crc64 TEXT NOT NULL,
                    refcount BIGINT NOT NULL,
                    unreferenced_since BIGINT,
                    created_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX blobs_unreferenced ON blobs (unreferenced_since)",
                """
                CREATE TABLE nodes (
                    id \(s.autoID),
                    library_id TEXT NOT NULL,
                    space_id TEXT NOT NULL,
                    parent_id BIGINT REFERENCES nodes(id) ON DELETE CASCADE,
                    name \(s.byteOrderedText) NOT NULL,
                    kind TEXT NOT NULL,
                    state TEXT NOT NULL DEFAULT 'live',
                    blob_sha256 TEXT REFERENCES blobs(sha256),
                    size BIGINT NOT NULL DEFAULT 0,
                    content_type TEXT NOT NULL DEFAULT '',
                    crc64 TEXT,
                    etag TEXT,
                    link_target_id BIGINT,
                    labels TEXT NOT NULL DEFAULT '[]',
                    category TEXT NOT NULL DEFAULT '',
                    meta TEXT NOT NULL DEFAULT '{}',
                    creator_user_id TEXT NOT NULL DEFAULT '',
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL,
                    FOREIGN KEY (library_id, space_id) REFERENCES spaces(library_id, id) ON DELETE CASCADE
                )
                """,
                // Name conflicts are decided by this index, atomically, inside the writing transaction.
                "CREATE UNIQUE INDEX nodes_live_name ON nodes (parent_id, name) WHERE state = 'live'",
                "CREATE INDEX nodes_by_space ON nodes (library_id, space_id, kind)",
                // Directories-first listings read the directories of a parent in name order from here.
                "CREATE INDEX nodes_live_kind_name ON nodes (parent_id, kind, name) WHERE state = 'live'",
                "CREATE INDEX nodes_by_link_target ON nodes (link_target_id)",
                "CREATE INDEX nodes_by_blob ON nodes (blob_sha256)",
                """
                CREATE TABLE upload_sessions (
                    confirm_key TEXT PRIMARY KEY,
                    library_id TEXT NOT NULL,
                    space_id TEXT NOT NULL,
                    user_id TEXT NOT NULL DEFAULT '',
                    kind TEXT NOT NULL,
                    path TEXT NOT NULL,
                    conflict_strategy TEXT NOT NULL,
                    expected_size BIGINT,
                    meta TEXT NOT NULL DEFAULT '{}',
                    state TEXT NOT NULL,
                    staging_key TEXT,
                    staged TEXT,
                    result_inode BIGINT,
                    created_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL,
                    FOREIGN KEY (library_id, space_id) REFERENCES spaces(library_id, id) ON DELETE CASCADE
                )
                """,
                "CREATE INDEX upload_sessions_expiry ON upload_sessions (state, expires_at)",
                """
                CREATE TABLE upload_parts (
                    confirm_key TEXT NOT NULL REFERENCES upload_sessions(confirm_key) ON DELETE CASCADE,
                    part_number INTEGER NOT NULL,
                    staging_key TEXT NOT NULL,
                    size BIGINT NOT NULL,
                    md5 TEXT NOT NULL,
                    crc64 TEXT NOT NULL,
                    sha256 TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    PRIMARY KEY (confirm_key, part_number)
                )
                """,
                """
                CREATE TABLE versions (
                    id \(s.autoID),
                    node_id BIGINT NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
                    blob_sha256 TEXT NOT NULL REFERENCES blobs(sha256),
                    size BIGINT NOT NULL,
                    crc64 TEXT,
                    etag TEXT,
                    creator_user_id TEXT NOT NULL DEFAULT '',
                    created_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX versions_by_node ON versions (node_id, created_at)",
                """
                CREATE TABLE recycle_items (
                    id \(s.autoID),
                    library_id TEXT NOT NULL,
                    space_id TEXT NOT NULL,
                    node_id BIGINT NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
                    original_parent_id BIGINT,
                    original_path TEXT NOT NULL,
                    recycled_by TEXT NOT NULL DEFAULT '',
                    recycled_at BIGINT NOT NULL,
                    expires_at BIGINT,
                    FOREIGN KEY (library_id, space_id) REFERENCES spaces(library_id, id) ON DELETE CASCADE
                )
                """,
                "CREATE INDEX recycle_items_by_space ON recycle_items (library_id, space_id, recycled_at)",
                """
                CREATE TABLE favorites (
                    id \(s.autoID),
                    library_id TEXT NOT NULL,
                    space_id TEXT NOT NULL,
                    user_id TEXT NOT NULL DEFAULT '',
                    node_id BIGINT,
                    created_at BIGINT NOT NULL,
                    FOREIGN KEY (library_id, space_id) REFERENCES spaces(library_id, id) ON DELETE CASCADE
                )
                """,
                "CREATE UNIQUE INDEX favorites_unique ON favorites (library_id, space_id, user_id, node_id)",
                """
                CREATE TABLE jobs (
                    id \(s.autoID),
                    kind TEXT NOT NULL,
                    library_id TEXT,
                    space_id TEXT,
                    payload TEXT NOT NULL DEFAULT '{}',
                    state TEXT NOT NULL,
                    result TEXT,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    run_after BIGINT NOT NULL,
                    lease_owner TEXT,
                    lease_expires_at BIGINT,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX jobs_runnable ON jobs (state, run_after)",
                // Values every instance must share, such as the key that signs data-plane URLs.
                "CREATE TABLE server_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            ]
        },
        Migration(id: 2, name: "links, local times, multipart, instant upload, recycle retention, quotas, history") {
            s in
            [
                "ALTER TABLE nodes ADD COLUMN local_created_at BIGINT",
                "ALTER TABLE nodes ADD COLUMN local_modified_at BIGINT",
                // The inode whose trip to the recycle bin took this link along (spec 20 F-19 rule 4); restoring
                // that inode brings back exactly these links.
                "ALTER TABLE nodes ADD COLUMN recycled_with BIGINT",
                "CREATE INDEX nodes_by_recycled_with ON nodes (recycled_with)",
                // Labels, category and local times of the begin body, applied at confirm (spec 20 F-01, F-07).
                "ALTER TABLE upload_sessions ADD COLUMN description TEXT NOT NULL DEFAULT '{}'",
                // Multipart tasks (spec 20 F-02): the id part PUTs must repeat.
                "ALTER TABLE upload_sessions ADD COLUMN upload_id TEXT",
                // Instant upload (spec 20 §2.2) asks by size and beginning hash; the full hash is the address.
                "ALTER TABLE blobs ADD COLUMN beginning_hash TEXT",
                "CREATE INDEX blobs_by_beginning ON blobs (size, beginning_hash)",
                // A space's own recycle-bin retention (spec 30 R9), overriding the library's, and when it last changed.
                "ALTER TABLE spaces ADD COLUMN recycle_days BIGINT",
                "ALTER TABLE spaces ADD COLUMN recycle_days_changed_at BIGINT",
                "CREATE INDEX recycle_items_expiry ON recycle_items (expires_at)",
                // Space quotas (spec 10 §4): one quota may cover several spaces, a space belongs to at most one.
                """
                CREATE TABLE quotas (
                    id \(s.autoID),
                    library_id TEXT NOT NULL REFERENCES libraries(id) ON DELETE CASCADE,
                    capacity BIGINT NOT NULL,
                    remove_when_exceed BOOLEAN NOT NULL,
                    remove_after_days BIGINT NOT NULL,
                    remove_newest BOOLEAN NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE quota_spaces (
                    library_id TEXT NOT NULL,
                    space_id \(s.byteOrderedText) NOT NULL,
                    quota_id BIGINT NOT NULL REFERENCES quotas(id) ON DELETE CASCADE,
                    PRIMARY KEY (library_id, space_id),
                    FOREIGN KEY (library_id, space_id) REFERENCES spaces(library_id, id) ON DELETE CASCADE
                )
                """,
                "CREATE INDEX quota_spaces_by_quota ON quota_spaces (quota_id)",
                // History (spec 30 §4): the version facts of the current content, on the node; NULL means "as the node
                // says" (version 1, created with the node), so rows from before need no rewrite.
                "ALTER TABLE nodes ADD COLUMN version_no BIGINT",
                "ALTER TABLE nodes ADD COLUMN version_way INTEGER",
                "ALTER TABLE nodes ADD COLUMN content_created_at BIGINT",
                "ALTER TABLE nodes ADD COLUMN content_created_by TEXT",
                "ALTER TABLE nodes ADD COLUMN latest_since BIGINT",
                "ALTER TABLE versions ADD COLUMN version_no BIGINT NOT NULL DEFAULT 1",
                "ALTER TABLE versions ADD COLUMN creation_way INTEGER NOT NULL DEFAULT 0",
                "ALTER TABLE versions ADD COLUMN content_type TEXT NOT NULL DEFAULT ''",
                "ALTER TABLE versions ADD COLUMN set_latest_at BIGINT NOT NULL DEFAULT 0",
            ]
        },
        Migration(id: 3, name: "search") { s in
            [
                // Search tasks (spec 30 §3): the query and the position of the next page, so any instance continues.
                """
                CREATE TABLE searches (
                    id TEXT PRIMARY KEY,
                    library_id TEXT NOT NULL,
                    space_id \(s.byteOrderedText) NOT NULL,
                    user_id TEXT NOT NULL,
                    query TEXT NOT NULL,
                    scope_id BIGINT NOT NULL,
                    next_offset BIGINT NOT NULL,
                    cursor TEXT,
                    expires_at BIGINT NOT NULL,
                    FOREIGN KEY (library_id, space_id) REFERENCES spaces(library_id, id) ON DELETE CASCADE
                )
                """,
                "CREATE INDEX searches_expiry ON searches (expires_at)",
                // Search results in name, time or size order are read along these instead of sorting the space.
                "CREATE INDEX nodes_space_name ON nodes (library_id, space_id, name) WHERE state = 'live'",
                "CREATE INDEX nodes_space_updated ON nodes (library_id, space_id, updated_at) WHERE state = 'live'",
                "CREATE INDEX nodes_space_created ON nodes (library_id, space_id, created_at) WHERE state = 'live'",
                "CREATE INDEX nodes_space_size ON nodes (library_id, space_id, size) WHERE state = 'live'",
                """
                CREATE INDEX nodes_space_local_created ON nodes (library_id, space_id, COALESCE(local_created_at, created_at))
                WHERE state = 'live'
                """,
                """
                CREATE INDEX nodes_space_local_modified ON nodes
                (library_id, space_id, COALESCE(local_modified_at, updated_at)) WHERE state = 'live'
                """,
            ] + Migrations.nameIndex(s)
        },
        Migration(id: 4, name: "media information") { _ in
            [
                // What a photo or video says about itself (dimensions, capture time, camera, place, duration), read
                // once per content after its first upload: JSON of `MediaInfo`; '' when it was read and is not media.
                "ALTER TABLE blobs ADD COLUMN media_info TEXT"
            ]
        },
        Migration(id: 5, name: "recent uses") { _ in
            [
                // Spec 30 §7.1: the latest preview or modification of a file per user; gone with the file.
                """
                CREATE TABLE recent_uses (
                    library_id TEXT NOT NULL,
                    space_id TEXT NOT NULL,
                    user_id TEXT NOT NULL,
                    node_id BIGINT NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
                    action TEXT NOT NULL,
                    used_at BIGINT NOT NULL,
                    PRIMARY KEY (library_id, space_id, user_id, node_id)
                )
                """,
                "CREATE INDEX recent_uses_by_time ON recent_uses (library_id, space_id, user_id, used_at, node_id)",
            ]
        },
        Migration(id: 6, name: "entry counters") { s in
            [
                "ALTER TABLE spaces ADD COLUMN history_versions BIGINT NOT NULL DEFAULT 0",
                Migrations.recountEntries,
            ] + Migrations.entryCounters(s)
        },
        // The salt of a secret derived from the server key (service API `DescribeLibrarySecret`); NULL = random.
        Migration(id: 7, name: "derivable library secrets") { _ in
            ["ALTER TABLE libraries ADD COLUMN secret_salt TEXT"]
        },
    ]
}
