from django.utils.cache import patch_vary_headers


class ConsentVaryMiddleware:
    """
    A page that showed the reader's consent state varies with the `Sec-GPC` header (two values: a shared cache
    keeps at most two copies). It varies with the `consent` cookie too, which `Vary` can only say as `Vary:
    Cookie`, splitting a shared cache per reader: the page cache keys on ConsentState.variant instead, and the
    nginx recipe in docs/ on the cookie's value.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if hasattr(request, "_consent_state"):
            patch_vary_headers(response, ["Sec-GPC"])
        return response
