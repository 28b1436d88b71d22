class ApiError(Exception):
    """An answer other than 2xx, with its detail in Japanese, turned into JSON by the API."""

    def __init__(self, status: int, detail: str, headers: dict | None = None):
        super().__init__(detail)
        self.status, self.detail, self.headers = status, detail, headers or {}
