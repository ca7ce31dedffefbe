/// The statements of migrations that keep derived data in the database itself (a name index, entry counters), per
/// dialect: triggers cover every write path, present and future.
extension Migrations {
    /// Sets the entry counters to what the rows say (the root directory included; readers leave it out): the start
    /// of migration 6, and `smh fsck --repair`.
    static let recountEntries = """
        UPDATE spaces SET
            file_count = (SELECT COUNT(*) FROM nodes n
                          WHERE n.library_id = spaces.library_id AND n.space_id = spaces.id AND n.kind <> 'dir'),
            dir_count = (SELECT COUNT(*) FROM nodes n
                         WHERE n.library_id = spaces.library_id AND n.space_id = spaces.id AND n.kind = 'dir'),
            history_versions = (SELECT COUNT(*) FROM versions v JOIN nodes n ON n.id = v.node_id
                                WHERE n.library_id = spaces.library_id AND n.space_id = spaces.id)
        """

    /// Spec 10 §3.10's counts kept by the database itself, so that every write path (inserts, cascades, subtree
    /// moves across spaces, version pruning) is covered: `spaces.file_count`, `dir_count` and `history_versions`.
    /// A node's deletion is counted BEFORE it happens, while its versions still exist; the cascaded deletion of those
    /// versions then finds no node and changes nothing.
    static func entryCounters(_ s: Schema) -> [String] {
        let isFile = "CASE WHEN %.kind = 'dir' THEN 0 ELSE 1 END"
        let isDir = "CASE WHEN %.kind = 'dir' THEN 1 ELSE 0 END"
        func add(_ row: String, _ sign: String) -> String {
            """
            UPDATE spaces SET file_count = file_count \(sign) \(isFile.replacingOccurrences(of: "%", with: row)),
                dir_count = dir_count \(sign) \(isDir.replacingOccurrences(of: "%", with: row)),
                history_versions = history_versions \(sign) (SELECT COUNT(*) FROM versions WHERE node_id = \(row).id)
            WHERE library_id = \(row).library_id AND id = \(row).space_id
            """
        }
        func versions(_ row: String, _ sign: String) -> String {
            """
            UPDATE spaces SET history_versions = history_versions \(sign) 1
            WHERE library_id = (SELECT library_id FROM nodes WHERE id = \(row).node_id)
            AND id = (SELECT space_id FROM nodes WHERE id = \(row).node_id)
            """
        }
        switch s.dialect {
        case .sqlite:
            return [
                "CREATE TRIGGER nodes_count_insert AFTER INSERT ON nodes BEGIN \(add("new", "+")); END",
                "CREATE TRIGGER nodes_count_delete BEFORE DELETE ON nodes BEGIN \(add("old", "-")); END",
                """
                CREATE TRIGGER nodes_count_move AFTER UPDATE OF space_id ON nodes WHEN old.space_id <> new.space_id
                BEGIN \(add("old", "-")); \(add("new", "+")); END
                """,
                "CREATE TRIGGER versions_count_insert AFTER INSERT ON versions BEGIN \(versions("new", "+")); END",
                "CREATE TRIGGER versions_count_delete AFTER DELETE ON versions BEGIN \(versions("old", "-")); END",
            ]
        case .postgres:
            return [
                """
                CREATE FUNCTION smh_nodes_count() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'INSERT' THEN \(add("NEW", "+")); RETURN NEW;
                    ELSIF TG_OP = 'DELETE' THEN \(add("OLD", "-")); RETURN OLD;
                    ELSE \(add("OLD", "-")); \(add("NEW", "+")); RETURN NEW;
                    END IF;
                END $$
                """,
                """
                CREATE FUNCTION smh_versions_count() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'INSERT' THEN \(versions("NEW", "+")); RETURN NEW;
                    ELSE \(versions("OLD", "-")); RETURN OLD;
                    END IF;
                END $$
                """,
                "CREATE TRIGGER nodes_count_insert AFTER INSERT ON nodes FOR EACH ROW EXECUTE FUNCTION smh_nodes_count()",
                "CREATE TRIGGER nodes_count_delete BEFORE DELETE ON nodes FOR EACH ROW EXECUTE FUNCTION smh_nodes_count()",
                """
                CREATE TRIGGER nodes_count_move AFTER UPDATE OF space_id ON nodes FOR EACH ROW
                WHEN (OLD.space_id IS DISTINCT FROM NEW.space_id) EXECUTE FUNCTION smh_nodes_count()
                """,
                """
                CREATE TRIGGER versions_count AFTER INSERT OR DELETE ON versions FOR EACH ROW
                EXECUTE FUNCTION smh_versions_count()
                """,
            ]
        }
    }

    /// Substring search on names without reading every row. SQLite: an FTS5 trigram index over `nodes.name`, kept
    /// current by triggers, so every write path (insert, rename, cascade delete) is covered. PostgreSQL: a pg_trgm GIN
    /// index on `lower(name)`, which `LIKE '%…%'` uses; without the extension, search still works by scanning.
    static func nameIndex(_ s: Schema) -> [String] {
        switch s.dialect {
        case .sqlite:
            return [
                "CREATE VIRTUAL TABLE node_names USING fts5(name, content='nodes', content_rowid='id', tokenize='trigram')",
                "INSERT INTO node_names(node_names) VALUES ('rebuild')",
                """
                CREATE TRIGGER node_names_insert AFTER INSERT ON nodes BEGIN
                    INSERT INTO node_names(rowid, name) VALUES (new.id, new.name);
                END
                """,
                """
                CREATE TRIGGER node_names_delete AFTER DELETE ON nodes BEGIN
                    INSERT INTO node_names(node_names, rowid, name) VALUES ('delete', old.id, old.name);
                END
                """,
                """
                CREATE TRIGGER node_names_rename AFTER UPDATE OF name ON nodes BEGIN
                    INSERT INTO node_names(node_names, rowid, name) VALUES ('delete', old.id, old.name);
                    INSERT INTO node_names(rowid, name) VALUES (new.id, new.name);
                END
                """,
            ]
        case .postgres:
            return [
                """
                DO $$ BEGIN CREATE EXTENSION IF NOT EXISTS pg_trgm;
                EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'pg_trgm is not available; name search scans'; END $$
                """,
                """
                DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
                    CREATE INDEX nodes_name_trgm ON nodes USING gin (lower(name) gin_trgm_ops);
                END IF; END $$
                """,
            ]
        }
    }
}
