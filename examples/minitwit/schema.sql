-- MiniTwit's tables. Running this script empties the database.
drop table if exists user;
create table user (
  user_id integer primary key autoincrement,
  username text not null unique,
  email text not null,
  pw_hash text not null
);

drop table if exists follower;
create table follower (
  -- who_id follows whom_id; a pair is stored once.
  who_id integer not null references user (user_id),
  whom_id integer not null references user (user_id),
  primary key (who_id, whom_id)
);

drop table if exists message;
create table message (
  message_id integer primary key autoincrement,
  author_id integer not null references user (user_id),
  text text not null,
  -- seconds since the epoch, UTC
  pub_date integer not null
);
create index message_by_author on message (author_id, pub_date);
