/**
 * Settings of the embedded server, written to `pgdata/paybridge.conf` at every start so a new
 * Paybridge version's tuning applies to an existing data directory. Durability stays PostgreSQL's
 * default and is spelled out: a commit returns after its WAL is flushed to disk. The rest keeps
 * Paybridge plus PostgreSQL under 300 MB RSS under ingest (BENCHMARKS.md): small shared buffers
 * (every backend that touches them counts them in its RSS), no I/O worker processes, no parallel
 * query workers or JIT, and loopback TCP only (no Unix socket whose path length the data
 * directory could overflow).
 */
export const TUNING = `# Written by Paybridge at each start; edit postgresql.conf below its include line to override.
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 100
fsync = on
synchronous_commit = on
full_page_writes = on
shared_buffers = 16MB
io_method = sync
wal_buffers = 4MB
max_wal_size = 512MB
min_wal_size = 64MB
max_parallel_workers_per_gather = 0
max_worker_processes = 4
max_logical_replication_workers = 0
jit = off
huge_pages = off
log_min_messages = warning
log_checkpoints = off
`;
