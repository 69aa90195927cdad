from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """Files kept on disk but never published: they have no URL (asking for one is a programming error)."""

    def url(self, name):
        raise ValueError("Files in private storage have no public address.")
