// The system's SQLite (Debian's libsqlite3-dev), for the Storage module.
#include <sqlite3.h>
