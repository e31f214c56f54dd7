//! Orgs × replicates: seeding, the parallel runner, progress.
