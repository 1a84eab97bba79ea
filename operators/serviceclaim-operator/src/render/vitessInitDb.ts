/**
 * The script mysqld runs once, when it initialises a tablet's empty data
 * directory: the accounts vttablet and its tools log in with (all local but
 * replication, none with a password), and nothing else.
 */
export const VITESS_INIT_DB_SQL = `SET @restore_super_read_only = IF(@@global.super_read_only = 1, 'ON', 'OFF');
SET GLOBAL super_read_only = 'OFF';
SET sql_log_bin = 0;
DROP USER IF EXISTS ''@'%', ''@'localhost', 'root'@'%';
DROP DATABASE IF EXISTS test;
CREATE USER 'vt_dba'@'localhost';
GRANT ALL ON *.* TO 'vt_dba'@'localhost' WITH GRANT OPTION;
GRANT PROXY ON ''@'' TO 'vt_dba'@'localhost' WITH GRANT OPTION;
CREATE USER 'vt_app'@'localhost', 'vt_allprivs'@'localhost', 'vt_filtered'@'localhost';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, RELOAD, PROCESS, FILE, REFERENCES, INDEX, ALTER,
  SHOW DATABASES, CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, REPLICATION SLAVE, REPLICATION CLIENT,
  CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, CREATE USER, EVENT, TRIGGER
  ON *.* TO 'vt_app'@'localhost', 'vt_allprivs'@'localhost', 'vt_filtered'@'localhost';
CREATE USER 'vt_appdebug'@'localhost';
GRANT SELECT, SHOW DATABASES, PROCESS ON *.* TO 'vt_appdebug'@'localhost';
CREATE USER 'vt_repl'@'%';
GRANT REPLICATION SLAVE ON *.* TO 'vt_repl'@'%';
CREATE USER 'vt_monitoring'@'localhost';
GRANT SELECT, PROCESS, SUPER, REPLICATION CLIENT, RELOAD ON *.* TO 'vt_monitoring'@'localhost';
GRANT SELECT, UPDATE, DELETE, DROP ON performance_schema.* TO 'vt_monitoring'@'localhost';
SET GLOBAL super_read_only = @restore_super_read_only;
`;
