DROP TABLE integration_clients;
