"""The agent's tools: typed, role-checked wrappers over store/ and knowledge/.

Importing this package registers every tool in ``tools.registry.REGISTRY``.
"""

from tools import catalog, forecasting, group_buys, insights, kb, members, orders  # noqa: F401  (registration)
