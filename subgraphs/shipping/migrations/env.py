from shared.db.alembic_env import run
from subgraphs.shipping.models import Base

run(Base.metadata)
