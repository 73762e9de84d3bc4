"""Files that are encrypted before they are written (case documents): the folder of the data folder that holds
them, and the table columns that name them.

A domain that stores such files writes them under `encrypted_files_dir()` and registers, from its
AppConfig.ready, the model and column naming each file, so that backups (core.backup) can tell a file
deleted while a backup ran from one that is missing, without core knowing any domain. The folder keeps the
name it has always had in installations' data folders.
"""

from pathlib import Path

from django.conf import settings

FOLDER_NAME = "case-files"

# Model label ("app.model") → the column of its table that holds a file's name under the folder.
ENCRYPTED_FILE_COLUMNS: dict[str, str] = {}


def encrypted_files_dir() -> Path:
    return Path(settings.DATA_DIR) / FOLDER_NAME


def encrypted_file_column_register(model_label: str, column: str) -> None:
    ENCRYPTED_FILE_COLUMNS[model_label] = column
