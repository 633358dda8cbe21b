-- Back to the defaults for every school: the seed's maxima and 2 years of portal content.
DROP TABLE retention_settings;
