"""Jekyll-format posts in and out: the publisher's archive format."""
