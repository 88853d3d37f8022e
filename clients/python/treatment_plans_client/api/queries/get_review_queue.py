import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.review_queue import ReviewQueue
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    as_of: datetime.date | None | Unset = UNSET,
    within_days: int | None | Unset = UNSET,
    clinician: None | str | Unset = UNSET,
    min_position: int | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_as_of: None | str | Unset
    if isinstance(as_of, Unset):
        json_as_of = UNSET
    elif isinstance(as_of, datetime.date):
        json_as_of = as_of.isoformat()
    else:
        json_as_of = as_of
    params["as_of"] = json_as_of

    json_within_days: int | None | Unset
    if isinstance(within_days, Unset):
        json_within_days = UNSET
    else:
        json_within_days = within_days
    params["within_days"] = json_within_days

    json_clinician: None | str | Unset
    if isinstance(clinician, Unset):
        json_clinician = UNSET
    else:
        json_clinician = clinician
    params["clinician"] = json_clinician

    json_min_position: int | None | Unset
    if isinstance(min_position, Unset):
        json_min_position = UNSET
    else:
        json_min_position = min_position
    params["min_position"] = json_min_position

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/review-queue",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | ReviewQueue | None:
    if response.status_code == 200:
        response_200 = ReviewQueue.from_dict(response.json())

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
) -> Response[Problem | ReviewQueue]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    as_of: datetime.date | None | Unset = UNSET,
    within_days: int | None | Unset = UNSET,
    clinician: None | str | Unset = UNSET,
    min_position: int | None | Unset = UNSET,
) -> Response[Problem | ReviewQueue]:
    """Plans overdue for review, and those due soon

    Args:
        as_of (datetime.date | None | Unset): default: today (UTC)
        within_days (int | None | Unset): default: the clinic policy's due-soon days
        clinician (None | str | Unset): only this clinician's plans
        min_position (int | None | Unset): answer only once the read model has processed this
            position (a command's `position`); 503 with Retry-After if it takes too long

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ReviewQueue]
    """

    kwargs = _get_kwargs(
        as_of=as_of,
        within_days=within_days,
        clinician=clinician,
        min_position=min_position,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    as_of: datetime.date | None | Unset = UNSET,
    within_days: int | None | Unset = UNSET,
    clinician: None | str | Unset = UNSET,
    min_position: int | None | Unset = UNSET,
) -> Problem | ReviewQueue | None:
    """Plans overdue for review, and those due soon

    Args:
        as_of (datetime.date | None | Unset): default: today (UTC)
        within_days (int | None | Unset): default: the clinic policy's due-soon days
        clinician (None | str | Unset): only this clinician's plans
        min_position (int | None | Unset): answer only once the read model has processed this
            position (a command's `position`); 503 with Retry-After if it takes too long

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ReviewQueue
    """

    return sync_detailed(
        client=client,
        as_of=as_of,
        within_days=within_days,
        clinician=clinician,
        min_position=min_position,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    as_of: datetime.date | None | Unset = UNSET,
    within_days: int | None | Unset = UNSET,
    clinician: None | str | Unset = UNSET,
    min_position: int | None | Unset = UNSET,
) -> Response[Problem | ReviewQueue]:
    """Plans overdue for review, and those due soon

    Args:
        as_of (datetime.date | None | Unset): default: today (UTC)
        within_days (int | None | Unset): default: the clinic policy's due-soon days
        clinician (None | str | Unset): only this clinician's plans
        min_position (int | None | Unset): answer only once the read model has processed this
            position (a command's `position`); 503 with Retry-After if it takes too long

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ReviewQueue]
    """

    kwargs = _get_kwargs(
        as_of=as_of,
        within_days=within_days,
        clinician=clinician,
        min_position=min_position,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    as_of: datetime.date | None | Unset = UNSET,
    within_days: int | None | Unset = UNSET,
    clinician: None | str | Unset = UNSET,
    min_position: int | None | Unset = UNSET,
) -> Problem | ReviewQueue | None:
    """Plans overdue for review, and those due soon

    Args:
        as_of (datetime.date | None | Unset): default: today (UTC)
        within_days (int | None | Unset): default: the clinic policy's due-soon days
        clinician (None | str | Unset): only this clinician's plans
        min_position (int | None | Unset): answer only once the read model has processed this
            position (a command's `position`); 503 with Retry-After if it takes too long

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ReviewQueue
    """

    return (
        await asyncio_detailed(
            client=client,
            as_of=as_of,
            within_days=within_days,
            clinician=clinician,
            min_position=min_position,
        )
    ).parsed
