-- MiniTwit's tables in SQLite. schema_postgresql.sql beside this file is
-- the same for PostgreSQL: change both together.
-- Running this script empties the database.
drop table if exists message;
drop table if exists follower;
-- "users", not "user": user is a reserved word in PostgreSQL.
drop table if exists users;

create table users (
  user_id integer primary key autoincrement,
  username text not null,
  email text not null,
  pw_hash text not null,
  -- The user's "sessions valid since" stamp, seconds since the epoch.
  -- Logging in copies it into the session cookie, and a cookie logs the
  -- user in only while it carries the current stamp; logging out moves
  -- the stamp forward, which ends the user's sessions in every browser
  -- (see before_request and logout in minitwit.py).
  sessions_valid_since integer not null default 0
);
-- Usernames are unique whatever their case: "Alice" cannot register once
-- "alice" exists (they may contain ASCII letters only, which lower() folds).
create unique index users_by_name on users (lower(username));

create table follower (
  -- who_id follows whom_id; a pair is stored once.
  who_id integer not null references users (user_id),
  whom_id integer not null references users (user_id),
  primary key (who_id, whom_id)
);

create table message (
  message_id integer primary key autoincrement,
  author_id integer not null references users (user_id),
  text text not null,
  -- seconds since the epoch, UTC
  pub_date integer not null
);
create index message_by_author on message (author_id, pub_date);
