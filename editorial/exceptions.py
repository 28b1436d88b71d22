class WorkflowError(Exception):
    """A workflow action that cannot happen; the message is for the editor, in Japanese."""


class TransitionNotAllowed(WorkflowError):
    pass


class NotPermitted(WorkflowError):
    pass


class GuardFailed(WorkflowError):
    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("この操作の前に直す必要があります: " + " / ".join(self.problems))


class EditConflict(WorkflowError):
    def __init__(self, current_version, message=None):
        self.current_version = current_version
        super().__init__(
            message
            or "あなたが編集している間に、他の人がこの記事を保存しました。下の差分を確認してから、もう一度保存してください。"
        )
