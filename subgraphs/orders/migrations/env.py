from shared.db.alembic_env import run
from subgraphs.orders.models import Base

run(Base.metadata)
