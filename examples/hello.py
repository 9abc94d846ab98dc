"""The smallest application: one page that says hello.

Run it with ``python hello.py`` and open http://127.0.0.1:5000/.
"""
import os

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello_world():
    return "Hello World!"


if __name__ == "__main__":
    # make run passes HOST and PORT; 127.0.0.1:5000 otherwise.
    app.run(host=os.environ.get("HOST", "127.0.0.1"),
            port=int(os.environ.get("PORT", "5000")))
