"""demand forecasts: the day's stored forecast (written once a day, read by every process)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 01:30:39.176073
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('demand_forecasts',
    sa.Column('made_on', sa.Date(), nullable=False, comment="the forecast's first day ('today')"),
    sa.Column('store_id', sa.String(length=16), nullable=False),
    sa.Column('sku', sa.String(length=16), nullable=False),
    sa.Column('ds', sa.Date(), nullable=False, comment='the day forecast'),
    sa.Column('point', sa.Double(), nullable=False, comment='accuracy-optimal point forecast (units)'),
    sa.Column('mean', sa.Double(), nullable=False, comment='expected units (sums over days)'),
    sa.Column('p50', sa.Double(), nullable=False),
    sa.Column('p90', sa.Double(), nullable=False),
    sa.Column('live_mean', sa.Double(), nullable=False, comment='expected units if the store streams live that day'),
    sa.Column('live_p50', sa.Double(), nullable=False),
    sa.Column('live_p90', sa.Double(), nullable=False),
    sa.Column('base_mean', sa.Double(), nullable=False, comment='expected units if the store does not stream that day'),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('model', sa.String(length=64), nullable=False, comment='which forecaster and settings'),
    sa.ForeignKeyConstraint(['sku'], ['products.sku'], name=op.f('fk_demand_forecasts_sku_products')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_demand_forecasts_store_id_stores')),
    sa.PrimaryKeyConstraint('made_on', 'store_id', 'sku', 'ds', name=op.f('pk_demand_forecasts'))
    )


def downgrade() -> None:
    op.drop_table('demand_forecasts')
