from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.timeline import Timeline
from ...types import UNSET, Response, Unset


def _get_kwargs(
    plan_id: str,
    *,
    after_version: int | None | Unset = UNSET,
    limit: int | Unset = 100,
    min_position: int | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_after_version: int | None | Unset
    if isinstance(after_version, Unset):
        json_after_version = UNSET
    else:
        json_after_version = after_version
    params["after_version"] = json_after_version

    params["limit"] = limit

    json_min_position: int | None | Unset
    if isinstance(min_position, Unset):
        json_min_position = UNSET
    else:
        json_min_position = min_position
    params["min_position"] = json_min_position

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/plans/{plan_id}/timeline".format(
            plan_id=quote(str(plan_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | Timeline | None:
    if response.status_code == 200:
        response_200 = Timeline.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | Timeline]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    plan_id: str,
    *,
    client: AuthenticatedClient,
    after_version: int | None | Unset = UNSET,
    limit: int | Unset = 100,
    min_position: int | None | Unset = UNSET,
) -> Response[Problem | Timeline]:
    """The plan's history, one item per event

    Args:
        plan_id (str): the plan's id
        after_version (int | None | Unset):
        limit (int | Unset):  Default: 100.
        min_position (int | None | Unset): answer only once the read model has processed this
            position (a command's `position`); 503 with Retry-After if it takes too long

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Timeline]
    """

    kwargs = _get_kwargs(
        plan_id=plan_id,
        after_version=after_version,
        limit=limit,
        min_position=min_position,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    plan_id: str,
    *,
    client: AuthenticatedClient,
    after_version: int | None | Unset = UNSET,
    limit: int | Unset = 100,
    min_position: int | None | Unset = UNSET,
) -> Problem | Timeline | None:
    """The plan's history, one item per event

    Args:
        plan_id (str): the plan's id
        after_version (int | None | Unset):
        limit (int | Unset):  Default: 100.
        min_position (int | None | Unset): answer only once the read model has processed this
            position (a command's `position`); 503 with Retry-After if it takes too long

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Timeline
    """

    return sync_detailed(
        plan_id=plan_id,
        client=client,
        after_version=after_version,
        limit=limit,
        min_position=min_position,
    ).parsed


async def asyncio_detailed(
    plan_id: str,
    *,
    client: AuthenticatedClient,
    after_version: int | None | Unset = UNSET,
    limit: int | Unset = 100,
    min_position: int | None | Unset = UNSET,
) -> Response[Problem | Timeline]:
    """The plan's history, one item per event

    Args:
        plan_id (str): the plan's id
        after_version (int | None | Unset):
        limit (int | Unset):  Default: 100.
        min_position (int | None | Unset): answer only once the read model has processed this
            position (a command's `position`); 503 with Retry-After if it takes too long

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Timeline]
    """

    kwargs = _get_kwargs(
        plan_id=plan_id,
        after_version=after_version,
        limit=limit,
        min_position=min_position,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    plan_id: str,
    *,
    client: AuthenticatedClient,
    after_version: int | None | Unset = UNSET,
    limit: int | Unset = 100,
    min_position: int | None | Unset = UNSET,
) -> Problem | Timeline | None:
    """The plan's history, one item per event

    Args:
        plan_id (str): the plan's id
        after_version (int | None | Unset):
        limit (int | Unset):  Default: 100.
        min_position (int | None | Unset): answer only once the read model has processed this
            position (a command's `position`); 503 with Retry-After if it takes too long

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Timeline
    """

    return (
        await asyncio_detailed(
            plan_id=plan_id,
            client=client,
            after_version=after_version,
            limit=limit,
            min_position=min_position,
        )
    ).parsed
