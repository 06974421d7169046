from shared.db.alembic_env import run
from subgraphs.payments.models import Base

run(Base.metadata)
