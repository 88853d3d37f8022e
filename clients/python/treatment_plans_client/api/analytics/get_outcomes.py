from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.instrument import Instrument
from ...models.outcomes import Outcomes
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    instrument: Instrument,
    min_position: int | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_instrument = instrument.value
    params["instrument"] = json_instrument

    json_min_position: int | None | Unset
    if isinstance(min_position, Unset):
        json_min_position = UNSET
    else:
        json_min_position = min_position
    params["min_position"] = json_min_position

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/analytics/outcomes",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Outcomes | Problem | None:
    if response.status_code == 200:
        response_200 = Outcomes.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Outcomes | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    instrument: Instrument,
    min_position: int | None | Unset = UNSET,
) -> Response[Outcomes | Problem]:
    """Response and remission rates over the clinic's goals on one instrument

     Over goals with at least two scores. Fewer than 11 goals: `goals`, the rates are `null` and
    `suppressed` is true. A rate the instrument does not define is `null`.

    Args:
        instrument (Instrument): A standardized measure of the instrument registry.
        min_position (int | None | Unset): answer only once the read model has processed this
            position (a command's `position`); 503 with Retry-After if it takes too long

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Outcomes | Problem]
    """

    kwargs = _get_kwargs(
        instrument=instrument,
        min_position=min_position,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    instrument: Instrument,
    min_position: int | None | Unset = UNSET,
) -> Outcomes | Problem | None:
    """Response and remission rates over the clinic's goals on one instrument

     Over goals with at least two scores. Fewer than 11 goals: `goals`, the rates are `null` and
    `suppressed` is true. A rate the instrument does not define is `null`.

    Args:
        instrument (Instrument): A standardized measure of the instrument registry.
        min_position (int | None | Unset): answer only once the read model has processed this
            position (a command's `position`); 503 with Retry-After if it takes too long

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Outcomes | Problem
    """

    return sync_detailed(
        client=client,
        instrument=instrument,
        min_position=min_position,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    instrument: Instrument,
    min_position: int | None | Unset = UNSET,
) -> Response[Outcomes | Problem]:
    """Response and remission rates over the clinic's goals on one instrument

     Over goals with at least two scores. Fewer than 11 goals: `goals`, the rates are `null` and
    `suppressed` is true. A rate the instrument does not define is `null`.

    Args:
        instrument (Instrument): A standardized measure of the instrument registry.
        min_position (int | None | Unset): answer only once the read model has processed this
            position (a command's `position`); 503 with Retry-After if it takes too long

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Outcomes | Problem]
    """

    kwargs = _get_kwargs(
        instrument=instrument,
        min_position=min_position,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    instrument: Instrument,
    min_position: int | None | Unset = UNSET,
) -> Outcomes | Problem | None:
    """Response and remission rates over the clinic's goals on one instrument

     Over goals with at least two scores. Fewer than 11 goals: `goals`, the rates are `null` and
    `suppressed` is true. A rate the instrument does not define is `null`.

    Args:
        instrument (Instrument): A standardized measure of the instrument registry.
        min_position (int | None | Unset): answer only once the read model has processed this
            position (a command's `position`); 503 with Retry-After if it takes too long

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Outcomes | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            instrument=instrument,
            min_position=min_position,
        )
    ).parsed
