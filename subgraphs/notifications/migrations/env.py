from shared.db.alembic_env import run
from subgraphs.notifications.models import Base

run(Base.metadata)
