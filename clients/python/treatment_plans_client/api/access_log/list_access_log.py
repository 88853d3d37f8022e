from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.access_log_page import AccessLogPage
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    plan_id: None | Unset | UUID = UNSET,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    limit: int | Unset = 100,
    after: int | Unset = 0,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_plan_id: None | str | Unset
    if isinstance(plan_id, Unset):
        json_plan_id = UNSET
    elif isinstance(plan_id, UUID):
        json_plan_id = str(plan_id)
    else:
        json_plan_id = plan_id
    params["plan_id"] = json_plan_id

    json_from_: None | str | Unset
    if isinstance(from_, Unset):
        json_from_ = UNSET
    else:
        json_from_ = from_
    params["from"] = json_from_

    json_to: None | str | Unset
    if isinstance(to, Unset):
        json_to = UNSET
    else:
        json_to = to
    params["to"] = json_to

    params["limit"] = limit

    params["after"] = after

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/access-log",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AccessLogPage | Problem | None:
    if response.status_code == 200:
        response_200 = AccessLogPage.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[AccessLogPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    plan_id: None | Unset | UUID = UNSET,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    limit: int | Unset = 100,
    after: int | Unset = 0,
) -> Response[AccessLogPage | Problem]:
    """Who read or changed the clinic's plans, oldest first

    Args:
        plan_id (None | Unset | UUID):
        from_ (None | str | Unset): a date (the whole day, inclusive) or an RFC 3339 instant
        to (None | str | Unset): a date (the whole day, inclusive) or an RFC 3339 instant
        limit (int | Unset):  Default: 100.
        after (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccessLogPage | Problem]
    """

    kwargs = _get_kwargs(
        plan_id=plan_id,
        from_=from_,
        to=to,
        limit=limit,
        after=after,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    plan_id: None | Unset | UUID = UNSET,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    limit: int | Unset = 100,
    after: int | Unset = 0,
) -> AccessLogPage | Problem | None:
    """Who read or changed the clinic's plans, oldest first

    Args:
        plan_id (None | Unset | UUID):
        from_ (None | str | Unset): a date (the whole day, inclusive) or an RFC 3339 instant
        to (None | str | Unset): a date (the whole day, inclusive) or an RFC 3339 instant
        limit (int | Unset):  Default: 100.
        after (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccessLogPage | Problem
    """

    return sync_detailed(
        client=client,
        plan_id=plan_id,
        from_=from_,
        to=to,
        limit=limit,
        after=after,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    plan_id: None | Unset | UUID = UNSET,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    limit: int | Unset = 100,
    after: int | Unset = 0,
) -> Response[AccessLogPage | Problem]:
    """Who read or changed the clinic's plans, oldest first

    Args:
        plan_id (None | Unset | UUID):
        from_ (None | str | Unset): a date (the whole day, inclusive) or an RFC 3339 instant
        to (None | str | Unset): a date (the whole day, inclusive) or an RFC 3339 instant
        limit (int | Unset):  Default: 100.
        after (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccessLogPage | Problem]
    """

    kwargs = _get_kwargs(
        plan_id=plan_id,
        from_=from_,
        to=to,
        limit=limit,
        after=after,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    plan_id: None | Unset | UUID = UNSET,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    limit: int | Unset = 100,
    after: int | Unset = 0,
) -> AccessLogPage | Problem | None:
    """Who read or changed the clinic's plans, oldest first

    Args:
        plan_id (None | Unset | UUID):
        from_ (None | str | Unset): a date (the whole day, inclusive) or an RFC 3339 instant
        to (None | str | Unset): a date (the whole day, inclusive) or an RFC 3339 instant
        limit (int | Unset):  Default: 100.
        after (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccessLogPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            plan_id=plan_id,
            from_=from_,
            to=to,
            limit=limit,
            after=after,
        )
    ).parsed
