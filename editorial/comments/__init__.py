"""Comments where the writer works: on a passage or a paragraph of the body, or on
the title, excerpt or cover; replies, resolution and @mentions; found again by
their text after every edit."""
