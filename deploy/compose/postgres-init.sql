-- Runs once, when the postgres container initialises an empty data volume.
-- Same databases as the local stack (deploy/stack/postgres.ts).
CREATE DATABASE pulse;
CREATE DATABASE pulse_test;
CREATE DATABASE pulse_registry;
