"""Request limits shared by every worker process: counters per key and time window in the database."""
