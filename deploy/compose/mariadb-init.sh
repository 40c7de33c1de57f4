# shellcheck shell=bash
# The playground's accounts and databases on the shared MariaDB (compose.yaml mounts this file in
# /docker-entrypoint-initdb.d/). The image's entrypoint SOURCES it, once, when the data volume is
# still empty: keep it non-executable, so that docker_process_sql (the entrypoint's own way to run
# SQL as root during initialisation) is there. Passwords come from the container's environment.
#
#   playground        MYSQL_URL: the account the web server probes the server with; learners'
#                     endpoints point at the same host and port. ALL on `playground` only.
#   playground_admin  CLASSROOM_MYSQL_ADMIN_URL: makes every learner's database `ws_…` and account
#                     (server/services/mysql/classroom.ts), keeps the size cap and the statement
#                     time limit (database-cap.ts). What docs/scaling.md lists, no more:
#                       CREATE USER      CREATE/ALTER/DROP USER for learners' accounts
#                       PROCESS          information_schema.INNODB_SYS_TABLESPACES and PROCESSLIST
#                       CONNECTION ADMIN KILL CONNECTION USER / KILL QUERY ID of learners' sessions
#                       ALL … WITH GRANT OPTION on `ws\_%`.* only: CREATE and DROP those databases,
#                                        GRANT (and REVOKE) their privileges to the learner
#   classroom         CLASSROOM_STORE_URL: the classroom store's tables in `playground_class`, with
#                     the privileges docs/classroom-store.md lists.

if [ "$(type -t docker_process_sql)" != function ]; then
  echo "mariadb-init.sh: must be sourced by the mariadb image's entrypoint (make the file non-executable)" >&2
  exit 1
fi

# The passwords go into SQL string literals and into the app's URLs unescaped, so only characters
# that need no escaping in either are accepted (`openssl rand -hex 24` makes such a password).
for name in MARIADB_PLAYGROUND_PASSWORD MARIADB_ADMIN_PASSWORD MARIADB_STORE_PASSWORD; do
  value="${!name:-}"
  case "$value" in
    '' | *[!A-Za-z0-9_-]*)
      echo "mariadb-init.sh: $name must be set and hold only letters, digits, - and _" >&2
      exit 1
      ;;
  esac
done

docker_process_sql <<SQL
CREATE DATABASE IF NOT EXISTS \`playground\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
CREATE USER IF NOT EXISTS 'playground'@'%' IDENTIFIED BY '${MARIADB_PLAYGROUND_PASSWORD}';
GRANT ALL ON \`playground\`.* TO 'playground'@'%';

CREATE USER IF NOT EXISTS 'playground_admin'@'%' IDENTIFIED BY '${MARIADB_ADMIN_PASSWORD}';
GRANT CREATE USER, PROCESS, CONNECTION ADMIN ON *.* TO 'playground_admin'@'%';
GRANT ALL PRIVILEGES ON \`ws\\_%\`.* TO 'playground_admin'@'%' WITH GRANT OPTION;

-- The store's collation: what it would create itself (server/classroom/store/mysql-store.ts).
CREATE DATABASE IF NOT EXISTS \`playground_class\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
CREATE USER IF NOT EXISTS 'classroom'@'%' IDENTIFIED BY '${MARIADB_STORE_PASSWORD}';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, REFERENCES ON \`playground_class\`.* TO 'classroom'@'%';
SQL
