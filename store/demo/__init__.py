"""The demo store 邻里优选: canonical entities and a deterministic history generator."""
