"""Distributed audits: an audit's chunks as jobs in a procrastinate queue on the PostgreSQL
store itself, run by `reprotrack worker` processes on any number of machines.

- `queue`: the procrastinate app of a store, and its tables;
- `chunk_job`: the job that runs one chunk and, after the last one, ends the audit;
- `coordinator`: starting (or resuming) a distributed audit and following it to its end;
- `worker`: running the jobs with this machine's own tokens, retrying a dead worker's chunk.
"""
