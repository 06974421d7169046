-- Runs once, when the postgres container starts on an empty data volume: one
-- database per service (the services never share one). Each service's
-- migrations then build its own schema (`minishop migrate <service>`).
CREATE DATABASE minishop_accounts;
CREATE DATABASE minishop_catalog;
CREATE DATABASE minishop_orders;
CREATE DATABASE minishop_payments;
CREATE DATABASE minishop_shipping;
CREATE DATABASE minishop_notifications;
