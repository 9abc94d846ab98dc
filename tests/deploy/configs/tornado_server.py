# Tornado serving yourapplication through its WSGIContainer. The executor
# runs the (blocking) WSGI application on a thread pool; without one every
# request would run on, and stall, Tornado's event loop.
import asyncio
from concurrent.futures import ThreadPoolExecutor

from tornado.httpserver import HTTPServer
from tornado.wsgi import WSGIContainer

from yourapplication import app


async def main():
    container = WSGIContainer(app, executor=ThreadPoolExecutor(max_workers=4))
    http_server = HTTPServer(container)
    http_server.listen(8000, address="127.0.0.1")
    await asyncio.Event().wait()  # serve until the process is stopped


asyncio.run(main())
