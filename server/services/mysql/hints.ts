// What to change when pasted MySQL or SQLAlchemy code fails here (see ../hint-types.ts): a driver
// that is not installed (PyMySQL is), a login other than the learner's own, a server address from a
// tutorial, and SQLAlchemy 2.0 code on the SQLAlchemy 1.4 that Debian ships. 1.x calls that 2.0
// removed get none: they run here (1.4 prints its own RemovedIn20Warning for them).
import { readVariable } from '../../../shared/constants.ts';
import { addressHint, type HintContext, type HintRow } from '../hint-types.ts';

/** The learner's MySQL user, from the run's MYSQL_URL. */
function learnerUser(ctx: HintContext): string | null {
  const url = ctx.env.MYSQL_URL;
  if (!url) return null;
  try {
    return decodeURIComponent(new URL(url).username) || null;
  } catch {
    return null;
  }
}

function engineUrl(ctx: HintContext): string {
  return ctx.language === 'javascript'
    ? readVariable(ctx.language, 'MYSQL_URL')
    : `create_engine(${readVariable(ctx.language, 'SQLALCHEMY_URL')})`;
}

export const mysqlHints: HintRow[] = [
  {
    id: 'mysql-driver-missing',
    line: /No module named '(MySQLdb|_mysql|mysql)'/,
    hint: (_m, ctx) =>
      `the MySQL driver installed here is PyMySQL (not mysqlclient's MySQLdb, nor mysql-connector): write mysql+pymysql://… in the URL, import pymysql, or use ${engineUrl(ctx)}`,
    fixture: {
      language: 'python',
      output: [
        '  File "/usr/lib/python3/dist-packages/sqlalchemy/dialects/mysql/mysqldb.py", line 163, in dbapi',
        '    return __import__("MySQLdb")',
        '           ^^^^^^^^^^^^^^^^^^^^^',
        "ModuleNotFoundError: No module named 'MySQLdb'",
      ].join('\n'),
      says: 'mysql+pymysql://',
    },
  },
  {
    id: 'mysql-access-denied',
    line: /Access denied for user '([^']*)'@/,
    hint: (m, ctx) => {
      const mine = learnerUser(ctx);
      if (!mine) return null;
      const where = `its password is in ${readVariable(ctx.language, 'MYSQL_URL')}; or use ${engineUrl(ctx)}`;
      return m[1] === mine
        ? `that is not the password of your MySQL user ${mine}: ${where}`
        : `your MySQL user here is ${mine}, not ${m[1] || 'an empty name'}: ${where}`;
    },
    fixture: {
      language: 'python',
      output: [
        '    raise errorclass(errno, errval)',
        `pymysql.err.OperationalError: (1045, "Access denied for user 'root'@'127.0.0.1' (using password: YES)")`,
      ].join('\n'),
      says: 'your MySQL user here is learner, not root',
    },
  },
  {
    id: 'pymysql-connect',
    line: /Can't connect to MySQL server on '([^']+)'/,
    // PyMySQL names the host only: a local one may be right (the server did not answer).
    hint: (m, ctx) => (/^(localhost|127\.0\.0\.1)$/.test(m[1]) ? null : addressHint(ctx, m[1], null, 'mysql')),
    fixture: {
      language: 'python',
      output: [
        '    raise exc',
        `pymysql.err.OperationalError: (2003, "Can't connect to MySQL server on '192.168.1.1' ([Errno 101] Network is unreachable)")`,
      ].join('\n'),
      says: 'the code connects to 192.168.1.1, which is not your MySQL here: use localhost:3306',
    },
  },
  {
    id: 'sqlalchemy-2-import',
    line: /cannot import name '(DeclarativeBase|DeclarativeBaseNoMeta|Mapped|mapped_column|MappedAsDataclass)' from 'sqlalchemy/,
    hint: (m) =>
      `${m[1]} is SQLAlchemy 2.0; this playground has SQLAlchemy 1.4: Base = declarative_base() (from sqlalchemy.orm), and columns as id = Column(Integer, primary_key=True)`,
    fixture: {
      language: 'python',
      output: [
        '    from sqlalchemy.orm import DeclarativeBase',
        "ImportError: cannot import name 'DeclarativeBase' from 'sqlalchemy.orm' (/usr/lib/python3/dist-packages/sqlalchemy/orm/__init__.py)",
      ].join('\n'),
      says: 'declarative_base()',
    },
  },
  {
    id: 'sqlalchemy-2-commit',
    line: /AttributeError: 'Connection' object has no attribute 'commit'/,
    hint: () =>
      'conn.commit() is SQLAlchemy 2.0; on this 1.4 a plain connect() commits each statement itself: use with engine.begin() as conn: (commits at the end), or create_engine(url, future=True)',
    fixture: {
      language: 'python',
      output: [
        '    conn.commit()',
        '    ^^^^^^^^^^^',
        "AttributeError: 'Connection' object has no attribute 'commit'",
      ].join('\n'),
      says: 'engine.begin()',
    },
  },
];
