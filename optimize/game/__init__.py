"""The race's bargaining game (docs/game.md): scenario (the ``game:`` section), payoffs and
stakes (from the two plans), equilibria (Gambit), regimes (play, concession, pins, the window),
loop (the fixed point through expectations) and result (tables and JSON)."""
