from shared.db.alembic_env import run
from subgraphs.accounts.models import Base

run(Base.metadata)
