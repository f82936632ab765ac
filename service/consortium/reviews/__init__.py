"""Expert review (issue 5): rounds, the expert pool, recusal, panel draws, site visits and defense
sessions with invitations, score sheets, ranking and the round-level selection."""
