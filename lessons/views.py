"""Pages of the lesson machinery itself. The lesson page, which shows a reader's assignment,
progress and class discussions too, is composed in ``pages``, above the apps it draws on."""
