/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The numbered migrations of the store's schema, as SQL text per backend.
 * Modules above the store add their tables here as new versions; a
 * released migration is never edited, only followed by another.
 *
 * Dialect notes for writers of new migrations:
 *  - SQLite tables are STRICT, so a column refuses values of another type
 *    as PostgreSQL does; STRICT knows INTEGER, REAL, TEXT, BLOB and ANY, so
 *    write INTEGER on SQLite where PostgreSQL says BIGINT.
 *  - Auto ids: INTEGER PRIMARY KEY (add AUTOINCREMENT when ids must never
 *    be reused) vs BIGSERIAL PRIMARY KEY.
 *  - JSON: TEXT CHECK (json_valid(col)) vs JSONB; blobs: BLOB vs BYTEA.
 *  - Times: int64 microseconds since the epoch in INTEGER / BIGINT.
 *  - PostgreSQL partitioned tables need the partition key in every unique
 *    index, hence PRIMARY KEY (ts, id) on events; that index also serves
 *    time-range scans, so events has no separate ts index there.
 *  - Index names are unique per schema on both: prefix them with the table.
 */
#include <stddef.h>

#include "core/core.h"
#include "store/store_int.h"

static const char m1_sqlite[] =
	"CREATE TABLE meta (\n"
	"	key TEXT PRIMARY KEY,\n"
	"	value TEXT NOT NULL,\n"
	"	updated_at INTEGER NOT NULL\n"
	") STRICT;\n"
	"CREATE TABLE events (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	ts INTEGER NOT NULL,\n"
	"	sensor TEXT,\n"
	"	event_type TEXT NOT NULL,\n"
	"	severity INTEGER NOT NULL DEFAULT 0\n"
	"		CHECK (severity BETWEEN 0 AND 255),\n"
	"	src_ip TEXT,\n"
	"	src_port INTEGER NOT NULL DEFAULT 0\n"
	"		CHECK (src_port BETWEEN 0 AND 65535),\n"
	"	dest_ip TEXT,\n"
	"	dest_port INTEGER NOT NULL DEFAULT 0\n"
	"		CHECK (dest_port BETWEEN 0 AND 65535),\n"
	"	proto TEXT,\n"
	"	app_proto TEXT,\n"
	"	flow_id INTEGER NOT NULL DEFAULT 0,\n"
	"	details TEXT CHECK (details IS NULL OR json_valid(details))\n"
	") STRICT;\n"
	"CREATE INDEX events_ts ON events (ts);\n"
	"CREATE INDEX events_type_ts ON events (event_type, ts);\n"
	"CREATE TABLE audit_log (\n"
	"	id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"	ts INTEGER NOT NULL,\n"
	"	actor TEXT NOT NULL,\n"
	"	action TEXT NOT NULL,\n"
	"	object TEXT,\n"
	"	details TEXT CHECK (details IS NULL OR json_valid(details)),\n"
	"	prev_hash TEXT,\n"
	"	hash TEXT NOT NULL UNIQUE\n"
	") STRICT;\n"
	"CREATE INDEX audit_log_ts ON audit_log (ts);\n";

static const char m1_pg[] =
	"CREATE TABLE meta (\n"
	"	key TEXT PRIMARY KEY,\n"
	"	value TEXT NOT NULL,\n"
	"	updated_at BIGINT NOT NULL\n"
	");\n"
	"CREATE TABLE events (\n"
	"	id BIGSERIAL,\n"
	"	ts BIGINT NOT NULL,\n"
	"	sensor TEXT,\n"
	"	event_type TEXT NOT NULL,\n"
	"	severity INTEGER NOT NULL DEFAULT 0\n"
	"		CHECK (severity BETWEEN 0 AND 255),\n"
	"	src_ip TEXT,\n"
	"	src_port INTEGER NOT NULL DEFAULT 0\n"
	"		CHECK (src_port BETWEEN 0 AND 65535),\n"
	"	dest_ip TEXT,\n"
	"	dest_port INTEGER NOT NULL DEFAULT 0\n"
	"		CHECK (dest_port BETWEEN 0 AND 65535),\n"
	"	proto TEXT,\n"
	"	app_proto TEXT,\n"
	"	flow_id BIGINT NOT NULL DEFAULT 0,\n"
	"	details JSONB,\n"
	"	PRIMARY KEY (ts, id)\n"
	") PARTITION BY RANGE (ts);\n"
	"CREATE TABLE events_default PARTITION OF events DEFAULT;\n"
	"CREATE INDEX events_type_ts ON events (event_type, ts);\n"
	"CREATE TABLE audit_log (\n"
	"	id BIGSERIAL PRIMARY KEY,\n"
	"	ts BIGINT NOT NULL,\n"
	"	actor TEXT NOT NULL,\n"
	"	action TEXT NOT NULL,\n"
	"	object TEXT,\n"
	"	details JSONB,\n"
	"	prev_hash TEXT,\n"
	"	hash TEXT NOT NULL UNIQUE\n"
	");\n"
	"CREATE INDEX audit_log_ts ON audit_log (ts);\n";

/*
 * Migration 2: threat intelligence (intel/intel.h). Indicator types,
 * categories and TLP levels are the small integers of intel/ioc.h. The
 * unique key leads with value so that it is also the index for looking a
 * value up (`panshi intel show`, the console); indicators_source serves
 * per-source counts and the cascade when a source is deleted.
 */
static const char m2_sqlite[] =
	"CREATE TABLE intel_sources (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	name TEXT NOT NULL UNIQUE,\n"
	"	format TEXT NOT NULL,\n"
	"	location TEXT,\n"
	"	refresh_s INTEGER NOT NULL DEFAULT 0 CHECK (refresh_s >= 0),\n"
	"	ttl_s INTEGER NOT NULL DEFAULT 0 CHECK (ttl_s >= 0),\n"
	"	category INTEGER NOT NULL DEFAULT 0 CHECK (category >= 0),\n"
	"	severity INTEGER NOT NULL DEFAULT 0 CHECK (severity BETWEEN 0 AND 5),\n"
	"	confidence INTEGER NOT NULL DEFAULT -1\n"
	"		CHECK (confidence BETWEEN -1 AND 100),\n"
	"	tlp INTEGER NOT NULL DEFAULT -1 CHECK (tlp BETWEEN -1 AND 4),\n"
	"	shareable INTEGER NOT NULL DEFAULT 1 CHECK (shareable IN (0, 1)),\n"
	"	created_at INTEGER NOT NULL,\n"
	"	last_import INTEGER NOT NULL DEFAULT 0,\n"
	"	last_read INTEGER NOT NULL DEFAULT 0,\n"
	"	last_imported INTEGER NOT NULL DEFAULT 0,\n"
	"	last_updated INTEGER NOT NULL DEFAULT 0,\n"
	"	last_bad INTEGER NOT NULL DEFAULT 0\n"
	") STRICT;\n"
	"CREATE TABLE indicators (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	type INTEGER NOT NULL CHECK (type > 0),\n"
	"	value TEXT NOT NULL,\n"
	"	prefix INTEGER NOT NULL DEFAULT 0 CHECK (prefix BETWEEN 0 AND 128),\n"
	"	subdomains INTEGER NOT NULL DEFAULT 0 CHECK (subdomains IN (0, 1)),\n"
	"	category INTEGER NOT NULL CHECK (category > 0),\n"
	"	severity INTEGER NOT NULL CHECK (severity BETWEEN 1 AND 5),\n"
	"	confidence INTEGER NOT NULL CHECK (confidence BETWEEN 0 AND 100),\n"
	"	family TEXT,\n"
	"	tags TEXT,\n"
	"	source_id INTEGER NOT NULL\n"
	"		REFERENCES intel_sources (id) ON DELETE CASCADE,\n"
	"	first_seen INTEGER NOT NULL,\n"
	"	last_seen INTEGER NOT NULL,\n"
	"	expires INTEGER NOT NULL DEFAULT 0,\n"
	"	tlp INTEGER NOT NULL CHECK (tlp BETWEEN 0 AND 4),\n"
	"	shareable INTEGER NOT NULL DEFAULT 1 CHECK (shareable IN (0, 1)),\n"
	"	UNIQUE (value, type, prefix, source_id)\n"
	") STRICT;\n"
	"CREATE INDEX indicators_source ON indicators (source_id);\n";

static const char m2_pg[] =
	"CREATE TABLE intel_sources (\n"
	"	id BIGSERIAL PRIMARY KEY,\n"
	"	name TEXT NOT NULL UNIQUE,\n"
	"	format TEXT NOT NULL,\n"
	"	location TEXT,\n"
	"	refresh_s BIGINT NOT NULL DEFAULT 0 CHECK (refresh_s >= 0),\n"
	"	ttl_s BIGINT NOT NULL DEFAULT 0 CHECK (ttl_s >= 0),\n"
	"	category INTEGER NOT NULL DEFAULT 0 CHECK (category >= 0),\n"
	"	severity INTEGER NOT NULL DEFAULT 0 CHECK (severity BETWEEN 0 AND 5),\n"
	"	confidence INTEGER NOT NULL DEFAULT -1\n"
	"		CHECK (confidence BETWEEN -1 AND 100),\n"
	"	tlp INTEGER NOT NULL DEFAULT -1 CHECK (tlp BETWEEN -1 AND 4),\n"
	"	shareable INTEGER NOT NULL DEFAULT 1 CHECK (shareable IN (0, 1)),\n"
	"	created_at BIGINT NOT NULL,\n"
	"	last_import BIGINT NOT NULL DEFAULT 0,\n"
	"	last_read BIGINT NOT NULL DEFAULT 0,\n"
	"	last_imported BIGINT NOT NULL DEFAULT 0,\n"
	"	last_updated BIGINT NOT NULL DEFAULT 0,\n"
	"	last_bad BIGINT NOT NULL DEFAULT 0\n"
	");\n"
	"CREATE TABLE indicators (\n"
	"	id BIGSERIAL PRIMARY KEY,\n"
	"	type INTEGER NOT NULL CHECK (type > 0),\n"
	"	value TEXT NOT NULL,\n"
	"	prefix INTEGER NOT NULL DEFAULT 0 CHECK (prefix BETWEEN 0 AND 128),\n"
	"	subdomains INTEGER NOT NULL DEFAULT 0 CHECK (subdomains IN (0, 1)),\n"
	"	category INTEGER NOT NULL CHECK (category > 0),\n"
	"	severity INTEGER NOT NULL CHECK (severity BETWEEN 1 AND 5),\n"
	"	confidence INTEGER NOT NULL CHECK (confidence BETWEEN 0 AND 100),\n"
	"	family TEXT,\n"
	"	tags TEXT,\n"
	"	source_id BIGINT NOT NULL\n"
	"		REFERENCES intel_sources (id) ON DELETE CASCADE,\n"
	"	first_seen BIGINT NOT NULL,\n"
	"	last_seen BIGINT NOT NULL,\n"
	"	expires BIGINT NOT NULL DEFAULT 0,\n"
	"	tlp INTEGER NOT NULL CHECK (tlp BETWEEN 0 AND 4),\n"
	"	shareable INTEGER NOT NULL DEFAULT 1 CHECK (shareable IN (0, 1)),\n"
	"	UNIQUE (value, type, prefix, source_id)\n"
	");\n"
	"CREATE INDEX indicators_source ON indicators (source_id);\n";

/*
 * schema_migrations itself is created before migration 1 runs (the
 * runner needs it to know where it stands); migration 1 creates the rest.
 */
const struct ps_store_migration ps_store_migrations[] = {
	{1, "meta, events, audit_log", m1_sqlite, m1_pg},
	{2, "intel_sources, indicators", m2_sqlite, m2_pg},
};

const size_t ps_store_n_migrations = PS_ARRAY_LEN(ps_store_migrations);
