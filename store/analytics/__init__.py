"""Analytics over the retail database: lifecycle, tags, basket associations and more."""
