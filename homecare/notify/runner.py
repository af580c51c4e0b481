"""Running the dispatcher with the senders the settings call for: in the app, or in a process of its own."""

from __future__ import annotations

import asyncio
import logging
import threading

from homecare.domain.notifications import Channel
from homecare.notify.development import DevelopmentSender
from homecare.notify.dispatcher import Dispatcher
from homecare.notify.senders import HttpSmsSender, Sender, SendGridSender
from homecare.settings import Settings, get_settings

log = logging.getLogger(__name__)


def senders_from(settings: Settings) -> dict[Channel, Sender]:
    """SendGrid and the SMS gateway when they are configured; the development outbox otherwise."""
    email: Sender = DevelopmentSender(Channel.EMAIL)
    if settings.sendgrid_api_key:
        email = SendGridSender(
            api_key=settings.sendgrid_api_key,
            from_address=settings.email_from_address,
            from_name=settings.email_from_name,
            host=settings.sendgrid_host,
        )
    sms: Sender = DevelopmentSender(Channel.SMS)
    if settings.sms_gateway_url and settings.sms_gateway_token:
        sms = HttpSmsSender(
            base_url=settings.sms_gateway_url,
            token=settings.sms_gateway_token,
            sender_id=settings.sms_sender_id,
        )
    return {Channel.EMAIL: email, Channel.SMS: sms}


def dispatcher_from(settings: Settings | None = None) -> Dispatcher:
    settings = settings or get_settings()
    return Dispatcher(senders=senders_from(settings), settings=settings)


def _once(dispatcher: Dispatcher) -> int:
    try:
        return dispatcher.run_once()
    except Exception:
        # A database that is away for a moment must not stop the loop: the rows wait in the outbox.
        log.exception("the dispatcher could not work through the outbox this time")
        return 0


def run_forever(stop: threading.Event, settings: Settings | None = None) -> None:
    """Work through the outbox until `stop` is set (the process of its own)."""
    dispatcher = dispatcher_from(settings)
    interval = dispatcher.settings.dispatch_interval_seconds
    while not stop.is_set():
        # A full batch means more may be waiting: go on at once.
        if _once(dispatcher) < dispatcher.batch:
            stop.wait(interval)


async def run_in_app() -> None:
    """The dispatcher as a task of the app's event loop; the sending itself runs in a worker thread."""
    settings = get_settings()
    if not settings.dispatcher_in_app:
        return
    dispatcher = dispatcher_from(settings)
    while True:
        handled = await asyncio.to_thread(_once, dispatcher)
        if handled < dispatcher.batch:
            await asyncio.sleep(settings.dispatch_interval_seconds)
