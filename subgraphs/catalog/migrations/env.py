from shared.db.alembic_env import run
from subgraphs.catalog.models import Base

run(Base.metadata)
