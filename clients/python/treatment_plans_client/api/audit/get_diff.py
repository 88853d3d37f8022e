from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.plan_diff import PlanDiff
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    plan_id: str,
    *,
    from_version: int,
    to_version: int | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["from_version"] = from_version

    json_to_version: int | None | Unset
    if isinstance(to_version, Unset):
        json_to_version = UNSET
    else:
        json_to_version = to_version
    params["to_version"] = json_to_version

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/plans/{plan_id}/diff".format(
            plan_id=quote(str(plan_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> PlanDiff | Problem | None:
    if response.status_code == 200:
        response_200 = PlanDiff.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[PlanDiff | Problem]:
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
    from_version: int,
    to_version: int | None | Unset = UNSET,
) -> Response[PlanDiff | Problem]:
    """What changed between two versions

    Args:
        plan_id (str): the plan's id
        from_version (int):
        to_version (int | None | Unset): default: the current version

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PlanDiff | Problem]
    """

    kwargs = _get_kwargs(
        plan_id=plan_id,
        from_version=from_version,
        to_version=to_version,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    plan_id: str,
    *,
    client: AuthenticatedClient,
    from_version: int,
    to_version: int | None | Unset = UNSET,
) -> PlanDiff | Problem | None:
    """What changed between two versions

    Args:
        plan_id (str): the plan's id
        from_version (int):
        to_version (int | None | Unset): default: the current version

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PlanDiff | Problem
    """

    return sync_detailed(
        plan_id=plan_id,
        client=client,
        from_version=from_version,
        to_version=to_version,
    ).parsed


async def asyncio_detailed(
    plan_id: str,
    *,
    client: AuthenticatedClient,
    from_version: int,
    to_version: int | None | Unset = UNSET,
) -> Response[PlanDiff | Problem]:
    """What changed between two versions

    Args:
        plan_id (str): the plan's id
        from_version (int):
        to_version (int | None | Unset): default: the current version

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PlanDiff | Problem]
    """

    kwargs = _get_kwargs(
        plan_id=plan_id,
        from_version=from_version,
        to_version=to_version,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    plan_id: str,
    *,
    client: AuthenticatedClient,
    from_version: int,
    to_version: int | None | Unset = UNSET,
) -> PlanDiff | Problem | None:
    """What changed between two versions

    Args:
        plan_id (str): the plan's id
        from_version (int):
        to_version (int | None | Unset): default: the current version

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PlanDiff | Problem
    """

    return (
        await asyncio_detailed(
            plan_id=plan_id,
            client=client,
            from_version=from_version,
            to_version=to_version,
        )
    ).parsed
